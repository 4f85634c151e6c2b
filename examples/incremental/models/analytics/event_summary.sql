MODEL (
  name analytics.event_summary,
  -- A small mart, rebuilt whole whenever a new day is due.
  kind FULL,
  description 'All-time totals per event type'
);
SELECT
  d.event_type,
  SUM(d.events) AS events,
  SUM(d.revenue) AS revenue,
  COUNT(*) AS days,
  MIN(d.event_date) AS first_day,
  MAX(d.event_date) AS last_day
FROM analytics.daily_events AS d
GROUP BY d.event_type
