-- Benchmark data: 1,000 accounts, 100,000 statuses spread over them, and a
-- reader ("bench", created by ferrodonctl) who follows 200 of them.
INSERT INTO accounts (username, display_name, uri, url)
SELECT 'user' || g, 'User ' || g, 'http://bench.local/users/user' || g, 'http://bench.local/@user' || g
FROM generate_series(1, 999) g;

INSERT INTO statuses (id, uri, url, account_id, text, content, visibility, created_at)
SELECT ferrodon_id_at(now() - (g || ' seconds')::interval),
       'http://bench.local/statuses/' || g, 'http://bench.local/s/' || g,
       (SELECT id FROM accounts ORDER BY id OFFSET (g % 1000) LIMIT 1),
       'Benchmark status ' || g, '<p>Benchmark status ' || g || ' with a little more text to be realistic.</p>',
       CASE WHEN g % 10 = 0 THEN 1 ELSE 0 END,
       now() - (g || ' seconds')::interval
FROM generate_series(1, 100000) g;

INSERT INTO follows (account_id, target_account_id)
SELECT (SELECT id FROM accounts WHERE username = 'bench'), id
FROM accounts WHERE username LIKE 'user%' AND (substring(username FROM 5)::int % 5) = 0;

UPDATE accounts a SET statuses_count = c.n FROM (SELECT account_id, count(*) n FROM statuses GROUP BY account_id) c WHERE c.account_id = a.id;
ANALYZE;
