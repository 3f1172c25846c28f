"""Server-rendered pages (French first). The public pages set no cookies and load nothing
from another origin."""
