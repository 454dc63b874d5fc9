DROP TABLE rules;
DROP TABLE suggestion_dismissals;
DROP TABLE account_notes;
DROP TABLE account_pins;
DROP TABLE tag_follows;
DROP TABLE featured_tags;
DROP TABLE account_domain_blocks;
