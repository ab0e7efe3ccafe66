package web

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// formOf reads the step form of a page as a browser would post it: the
// enabled inputs of form#form-etape (checked boxes only, the selected
// options), without the comment widgets' inputs (form="…") nor buttons.
func formOf(t testing.TB, page string) url.Values {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	attr := func(n *html.Node, k string) (string, bool) {
		for _, a := range n.Attr {
			if a.Key == k {
				return a.Val, true
			}
		}
		return "", false
	}
	text := func(n *html.Node) string {
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				b.WriteString(c.Data)
			}
		}
		return b.String()
	}
	out := url.Values{}
	var form *html.Node
	var find func(*html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "form" {
			if id, _ := attr(n, "id"); id == "form-etape" {
				form = n
				return
			}
		}
		for c := n.FirstChild; c != nil && form == nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	if form == nil {
		t.Fatal("formulaire de l'étape absent")
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			name, named := attr(n, "name")
			_, disabled := attr(n, "disabled")
			_, other := attr(n, "form")
			if named && !disabled && !other {
				switch n.Data {
				case "input":
					typ, _ := attr(n, "type")
					v, _ := attr(n, "value")
					_, checked := attr(n, "checked")
					switch typ {
					case "submit", "file", "button":
					case "checkbox", "radio":
						if checked {
							out.Add(name, v)
						}
					default:
						out.Add(name, v)
					}
				case "textarea":
					out.Add(name, text(n))
				case "select":
					first, chosen := "", ""
					found := false
					for o := n.FirstChild; o != nil; o = o.NextSibling {
						if o.Type != html.ElementNode || o.Data != "option" {
							continue
						}
						v, _ := attr(o, "value")
						if first == "" && !found {
							first = v
						}
						if _, sel := attr(o, "selected"); sel && !found {
							chosen, found = v, true
						}
					}
					if !found {
						chosen = first
					}
					out.Add(name, chosen)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(form)
	return out
}

// fill posts the step page's own form with changes: nil values delete a
// field. It returns the response status, its Location and the page.
func fill(t *testing.T, a *actor, path string, changes map[string]string) (int, string, string) {
	t.Helper()
	code, page := a.get(path)
	if code != http.StatusOK {
		t.Fatalf("GET %s : %d", path, code)
	}
	form := formOf(t, page)
	for k, v := range changes {
		form.Set(k, v)
	}
	res, err := a.c.PostForm(a.w.srv.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header.Get("Location"), html.UnescapeString(string(b))
}

// walk fills every step of a convention from its first page, following
// "Enregistrer et continuer" up to the récapitulatif; changes are applied
// on the step of their key ("step": {field: value}).
func walk(t *testing.T, a *actor, first, id string, changes map[string]map[string]string) []string {
	t.Helper()
	var seen []string
	path := first
	for i := 0; i < 20 && path != recap(id); i++ {
		seg := strings.Split(strings.TrimPrefix(path, "/conventions/"), "/")[0]
		code, loc, page := fill(t, a, path, changes[seg])
		if code != http.StatusSeeOther {
			msg := page
			if i := strings.Index(page, `id="erreurs-etape"`); i > 0 {
				msg = page[i:min(len(page), i+1500)]
			} else if i := strings.Index(page, `id="confirmation-etape"`); i > 0 {
				msg = page[i:min(len(page), i+1500)]
			}
			t.Fatalf("étape %s : %d\n%s", seg, code, msg)
		}
		seen = append(seen, seg)
		path = loc
	}
	return seen
}
