DROP TABLE list_accounts, lists;
