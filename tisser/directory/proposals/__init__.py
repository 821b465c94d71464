"""The cooperative proposals: anyone proposes an actor or a change, staff moderate."""
