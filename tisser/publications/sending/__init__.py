"""Campaign sending: raw MIME built by templating (`mime`), the exactly-once engine
(`engine`), optional DKIM (`dkim_signing`) and bounces (`bounces`)."""
