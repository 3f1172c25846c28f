"""The "About and sources" page: what Njia is and the attribution every data licence requires."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from directory.web.auth import access

blp = Blueprint("about", __name__)

SOURCES = (
    {
        "what": _l("Lieux, établissements de santé et frontière de la RDC"),
        "credit": _l("© les contributeurs d'OpenStreetMap ; healthsites.io"),
        "licence": "Open Database License (ODbL) 1.0",
        "url": "https://www.openstreetmap.org/copyright",
    },
    {
        "what": _l("Population et noms alternatifs des villes"),
        "credit": "GeoNames (geonames.org)",
        "licence": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    },
    {
        "what": _l("Codes P des provinces et territoires"),
        "credit": "OCHA RDC / Référentiel Géographique Commun (RGC), via HDX",
        "licence": "CC BY 3.0 IGO",
        "url": "https://creativecommons.org/licenses/by/3.0/igo/",
    },
    {
        "what": _l("Modèle de données des services (HSDS 3.0)"),
        "credit": "© Open Referral",
        "licence": "CC BY-SA 4.0",
        "url": "https://creativecommons.org/licenses/by-sa/4.0/",
    },
)


@blp.get("/about")
@access("public")
def about() -> str:
    """What Njia is, and the sources and licences of its data."""
    return render_template("about.html", sources=SOURCES)
