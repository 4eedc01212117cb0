-- Run as a PostgreSQL superuser: psql -v password="'…'" -f infra/postgres/create-database.sql
-- The silo creates and migrates its tables itself; it needs only a database it owns.
CREATE ROLE command LOGIN PASSWORD :password;
CREATE DATABASE command OWNER command ENCODING 'UTF8' TEMPLATE template0;
