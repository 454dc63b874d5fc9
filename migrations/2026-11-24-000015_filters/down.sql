DROP TABLE filter_statuses, filter_keywords, filters;
