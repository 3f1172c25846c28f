"""The JSON API's blueprints (flask-smorest), registered by :func:`directory.app.create_app`:
listings, places, match, review, referrals, coverage, health and the API documentation."""
