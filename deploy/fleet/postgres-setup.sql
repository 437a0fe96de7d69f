-- The database a fleet shares (deploy/FLEET.md): a role that owns one database, with a password
-- (SCRAM). Run as a superuser: psql -v password="'$(cat /etc/orchestra/postgres.password)'" -f postgres-setup.sql
CREATE ROLE orchestra LOGIN PASSWORD :password;
CREATE DATABASE orchestra OWNER orchestra;
