package web

import "mime"

// contentDisposition is the Content-Disposition header of a file sent
// under name (user text: quotes, semicolons, line breaks, accents), kind
// "inline" or "attachment". mime.FormatMediaType quotes and escapes the
// name, or encodes it as RFC 2231 filename* when it is not plain ASCII,
// so a name can neither break the header nor add parameters.
func contentDisposition(kind, name string) string {
	if name == "" {
		return kind
	}
	if h := mime.FormatMediaType(kind, map[string]string{"filename": name}); h != "" {
		return h
	}
	return kind
}
