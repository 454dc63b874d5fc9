DROP TABLE account_aliases;
