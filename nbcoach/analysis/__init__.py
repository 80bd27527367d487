"""The report pipeline: read -> mask magics -> measure -> check -> score -> ReportCard.

Imports only `core`. `review.review` grades paths (discovery, cache, one ruff run);
`analyse.analyse_bytes` grades one notebook's bytes; `card.build_card` turns an analysis into
the card every command renders. Nothing in this wing executes notebook code.
"""
