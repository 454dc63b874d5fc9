DROP TABLE mutes, blocks;
