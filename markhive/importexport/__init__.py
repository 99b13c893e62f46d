"""Bookmark files: streaming readers and writers for the Netscape bookmark file and XBEL
(no database code), and the import and export services built on them."""
