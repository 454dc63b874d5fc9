-- Full-text search over status text (PostgreSQL only, no Elasticsearch).
CREATE INDEX statuses_text_search ON statuses USING gin (to_tsvector('simple', text));
