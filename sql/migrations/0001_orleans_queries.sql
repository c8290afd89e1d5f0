-- The Orleans ADO.NET providers read the text of every query they run from this table, by key,
-- once at start-up. Names are unquoted (lower case) because the providers query them unquoted.
-- Keys are compared ordinally: spell them exactly as the providers do.
CREATE TABLE orleansquery (
    querykey  varchar(64)   PRIMARY KEY,
    querytext varchar(8000) NOT NULL
);
