"""Tables, the database engine and the pure settings rules. Imports nothing of the layers above."""
