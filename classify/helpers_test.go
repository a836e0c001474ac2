package classify

import "encoding/base64"

func b64enc(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
