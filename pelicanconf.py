"""Site settings for the sample archive. Every setting is documented in README.md."""

AUTHOR = "Archive des dépêches"
SITENAME = "Archive des dépêches — Syrie"
SITEURL = ""  # empty: every link is relative, so output/ works from disk and under any sub-path

PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
THEME_STATIC_DIR = "theme"
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
LOCALE = ("C",)  # dates are formatted by our templates in French, never by the system locale

PLUGIN_PATHS = ["plugins"]
PLUGINS = ["markdown_it_reader", "dispatch_archive", "archive_search"]

# Dispatches are read by the dispatch_archive generator, not as Pelican articles.
ARTICLE_PATHS: list[str] = []
PAGE_PATHS = ["pages"]
STATIC_PATHS: list[str] = []
READERS = {"html": None, "htm": None, "rst": None}
PAGE_URL = "pages/{slug}.html"
PAGE_SAVE_AS = "pages/{slug}.html"
DIRECT_TEMPLATES: list[str] = []  # our generator writes index.html and the listings
RELATIVE_URLS = True
SLUGIFY_SOURCE = "basename"
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

# Pelican's own feeds and taxonomy pages are off: dispatch_archive writes ours.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
ARCHIVES_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAGS_SAVE_AS = ""
INDEX_SAVE_AS = ""

# dispatch_archive
DISPATCH_PATH = "dispatches"
DISPATCH_CACHE_PATH = ".cache"
DISPATCH_PER_PAGE = 50
DISPATCH_INDEX_LATEST = 20
DISPATCH_FEED_ITEMS = 50
DISPATCH_ENTITY_FEED_ITEMS = 20
DISPATCH_ENTITY_LATEST = 10
DISPATCH_WORKERS = 0
DISPATCH_MEMORY_MB = 4000  # the build runs fewer processes at once to stay under it (0: no limit)
DISPATCH_SITE_DESCRIPTION = (
    "Dépêches d'agence sur le conflit syrien, nettoyées du texte parasite des pages "
    "d'origine, reliées à leurs acteurs et à leurs lieux, consultables hors ligne."
)

# entity_tags (through dispatch_archive)
ENTITY_GAZETTEER_PATH = "gazetteer"
ENTITY_DISCOVERY = True
ENTITY_MODEL = "fr_core_news_md"
ENTITY_MIN_UNVERIFIED = 1
ENTITY_TOP = 12
