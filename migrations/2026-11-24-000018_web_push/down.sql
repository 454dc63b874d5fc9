DROP TABLE web_push_subscriptions;
