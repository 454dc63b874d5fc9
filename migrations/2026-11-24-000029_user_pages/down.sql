DROP TABLE user_two_factors;
DROP TABLE invites;
