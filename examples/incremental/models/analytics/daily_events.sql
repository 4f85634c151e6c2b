MODEL (
  name analytics.daily_events,
  -- Each day is computed once, from that day's events only; a backfill goes a week at a time.
  kind INCREMENTAL_BY_TIME_RANGE (time_column event_date, batch_size 7),
  description 'Events, users and revenue per day and event type',
  grain (event_date, event_type)
);
SELECT
  CAST(e.event_ts AS DATE) AS event_date,
  e.event_type,
  COUNT(*) AS events,
  COUNT(DISTINCT e.user_id) AS users,
  COALESCE(SUM(e.amount), 0) AS revenue
FROM raw.events AS e
WHERE e.event_ts BETWEEN @start_ts AND @end_ts
GROUP BY 1, 2
