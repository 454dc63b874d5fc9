DROP TABLE account_conversations;
