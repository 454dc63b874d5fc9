DROP TABLE preview_card_providers;
DROP FUNCTION ferrodon_url_host(text);
