MODEL (
  name raw.events,
  kind SEED (path '../../seeds/events.csv'),
  description 'Raw product events as the tracker lands them: one row per event',
  grain event_id,
  columns (event_id INTEGER, user_id INTEGER, event_type TEXT, event_ts TIMESTAMP, amount DECIMAL(10, 2))
);
