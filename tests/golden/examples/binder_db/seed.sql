CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, city text);
CREATE TABLE orders (id serial PRIMARY KEY, customer_id int REFERENCES customers(id), total numeric(10, 2));
INSERT INTO customers (name, city) VALUES ('Ada', 'London'), ('Grace', 'Arlington'), ('Edsger', 'Nuenen');
INSERT INTO orders (customer_id, total) VALUES (1, 12.50), (1, 7.25), (2, 99.00), (3, 3.10);
