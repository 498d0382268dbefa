"""From a request to results: the query plan, the search service, facets, excerpts, knowledge pages."""
