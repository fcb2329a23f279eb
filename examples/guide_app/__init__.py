"""The FastAPI auth patterns guide's code on authcore, with only its imports changed."""
