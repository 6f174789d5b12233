"""What the API's lists share: bounded limits and keyset cursors (``pagination``), pages serialised without
ORM rows (``jsonpage``), the article and story filters as query-parameter models (``article_params``,
``story_params``) and a story's public views (``story_views``); may import bantin.queue, bantin.search and
bantin.store."""
