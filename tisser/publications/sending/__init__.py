"""Campaign sending: raw MIME built by templating (`mime`), the audience and its delivery
rows (`preparation`), the exactly-once engine (`engine`) over mail connections
(`sender`), optional DKIM (`dkim_signing`) and bounces (`bounces`)."""
