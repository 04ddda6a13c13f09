-- Run by the postgres image on its first start (docker-compose.yml): the staging target of the app.
create database projectionist_staging;
