MODEL (
  name analytics.user_last_seen,
  -- One row per user, merged on user_id as each day's events arrive.
  kind INCREMENTAL_BY_UNIQUE_KEY (unique_key user_id, batch_size 1),
  description 'When each user was last seen, and what they did that day'
);
SELECT
  e.user_id,
  MAX(e.event_ts) AS last_seen,
  COUNT(*) AS events_that_day
FROM raw.events AS e
WHERE e.event_ts BETWEEN @start_ts AND @end_ts
GROUP BY e.user_id
