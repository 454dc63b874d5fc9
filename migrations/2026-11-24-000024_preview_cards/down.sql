DROP TABLE preview_cards_statuses;
DROP TABLE preview_cards;
