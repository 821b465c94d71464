"""The one import engine every app's imports run on (see `engine` and `registry`)."""
