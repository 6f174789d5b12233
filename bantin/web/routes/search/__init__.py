"""The search page and saved searches: the form, the results, the saved-search actions; may import bantin.search
and the API's saved-search functions."""
