DROP INDEX statuses_text_search;
