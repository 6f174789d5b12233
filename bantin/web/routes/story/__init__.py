"""One story's page: the view (loaded rows and Vietnamese wording), the state actions, labels and response cases;
may import the queue, api/story_views and web/guard."""
