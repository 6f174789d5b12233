"""Request and response schemas: Create / Update / Public per resource; ORM rows never leave the API."""
