"""ReportCard -> what people read: rich terminal card, JSON, Markdown.

Renderers only format what the cards hold: they never compute a score and never print.
"""
