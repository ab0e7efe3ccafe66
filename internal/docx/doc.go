// Package docx renders Word templates written for docxtpl, the Python
// library the reference APiLos uses: Jinja tags typed in the text of a
// .docx file are filled from a context of Go values. It knows nothing of
// conventions; the convention's context is built elsewhere.
//
// # Use
//
//	out, err := docx.Render("HLM-template.docx", tpl, map[string]any{
//		"convention":     conv,  // a struct, a *struct or a map
//		"lots":           lots,  // a slice
//		"loyer_total":    total, // a decimal.Decimal, an int, a string...
//		"vendeur_images": []docx.Image{{Name: f.Name, Data: b, Width: 5 * docx.Inch}},
//	})
//
// Render reads the template's bytes and returns the bytes of the filled
// .docx; it never writes files and is safe for concurrent use. Its errors
// are *Error, in French, naming the template, the part and the tag.
//
// # Template syntax
//
// Tags are Jinja (rendered by gonja v2) typed anywhere in the text of the
// body, the headers, the footers and the notes:
//
//	{{ expression }}            the value, escaped for XML
//	{% if %} {% for %} ...      statements
//	{# comment #}               dropped
//
// Word cuts typed text into runs wherever formatting, spelling marks or
// revisions change; a tag cut that way is joined back into its first run
// (and takes that run's formatting), including a "{{" or "%}" cut between
// its two characters. Inside tags, Word's curly quotes become straight
// quotes, XML entities (&gt;, &amp;...) their characters, and non-breaking
// spaces plain spaces. A tag may span paragraphs (they are joined, as in
// docxtpl) but not table cells.
//
// As in docxtpl, a letter after the opening delimiter makes the tag stand
// for the element holding it, which is removed:
//
//	{%tr for l in logements %} ... {%tr endfor %}   table rows: the rows
//	                                                between repeat per item
//	{%tc for f in financements %} ... {%tc endfor %} table cells (the grid
//	                                                of the table follows)
//	{%p if avenant %} ... {%p endif %}              paragraphs
//	{%r if foyer %} ... {%r endif %}                runs of text
//
// {{r x }}, {{p x }}, {{tc x }} and {{tr x }} replace their run, paragraph,
// cell or row by the value in an element of its own (a paragraph, a cell...
// holding the text, or the image); an empty value removes the run,
// paragraph or row. {#p ... #}, {#tr ... #} and {#tc ... #} remove their
// paragraph, row or cell.
//
// "{%-" joins a tag to the text before it and "-%}" to the text after it,
// across the paragraph break: "Le logement est situé" / "{%- if ville -%}" /
// " en ville" / "{%- endif -%}" give one paragraph. "{_{", "}_}", "{_%" and
// "%_}" write literal "{{", "}}", "{%" and "%}".
//
// The statements are if/elif/else, for (with loop.index, loop.first...,
// and else), set, with, macro, call, filter, raw, autoescape, do, break and
// continue. include, import, from and extends are refused: a template
// reads no other file.
//
// # Output
//
// Text is escaped for XML (autoescape). In a value, "\n" becomes a line
// break, "\t" a tab, "\a" a new paragraph and "\f" a page break, as in
// docxtpl. None prints nothing; booleans print True and False; a date
// without filter prints as Python does ("2024-01-05"). A value marked safe
// (the safe filter, a macro's result) is inserted as XML, as is.
//
// # Filters
//
// Besides gonja's filters (default, join, map, replace, round, trim, upper,
// lower, first, last...), the filters of the reference's templates:
//
//	f                      French number, 2 decimals: 1234.5|f is "1 234,50"
//	                       (thousands separated by a non-breaking space);
//	                       f(0) or f(d=0) for another number of decimals;
//	                       rounds half away from zero; None gives ""
//	pl                     "s" when the number is above 1 (a list: more than
//	                       one element), else ""
//	d, dd                  date "5 janvier 2024"; None gives "" (d) or "---" (dd)
//	sd, sdd                date "05/01/2024"; None gives "" (sd) or "---" (sdd)
//	tl                     typologie "T1bis" (code or label) as "Logement T 1 bis";
//	                       anything else gives ""
//	len, length            number of elements or characters; None gives 0
//	upper                  capitals
//	default_empty_if_none  "" for None and for empty or zero values (Python
//	                       truthiness), else the value
//	default_str_if_none    the same with "---"
//	inline_text_multiline  lines trimmed (and of a trailing comma), empty ones
//	                       dropped, joined by ", "
//	get_text_as_list       the non-empty lines, without the " -*" bullets
//	                       typed around them
//
// The date filters take a time.Time (or an ISO "2006-01-02" string), shown
// in its own location, so a DATE column (midnight UTC) keeps its day.
//
// # Context values
//
// The context is plain Go values, which templates read as the reference's
// templates read Django objects:
//
//   - A struct or pointer to struct is an object: its exported fields and
//     methods answer under their snake_case names, matched ignoring case
//     and underscores. programme.nom reads field Nom, programme.numero_galion
//     field NumeroGalion, bailleur.siret field SIRET, convention.is_avenant()
//     calls method IsAvenant (value or pointer receiver), p.preteur_display()
//     calls PreteurDisplay. A `docx:"name"` struct tag gives a field another
//     name, `docx:"-"` hides it. {{ obj }} prints its String method, if any.
//   - A method may take arguments (converted from the template's values)
//     and return a value, or a value and an error: the error stops the
//     rendering with its message. A method that panics stops it too.
//   - A func, in the context or in a map, is called the same way:
//     map[string]any{"get_ville_signature_or_empty": func() string {...}}.
//   - A slice is a list; lists answer first(), last(), all(), count() and
//     exists() as Django querysets do (lots.first().financement).
//   - A map is a dict: d.items(), d.keys(), d.values() (sorted by key),
//     d.key, d['key'].
//   - decimal.Decimal becomes float64 (exact for the 15 significant digits
//     of amounts and surfaces), so templates compare and add it; f formats
//     it. Named scalar types (type Statut string) become their base type, so
//     convention.statut == "1. Projet" holds. A nil pointer, a nil
//     interface and a zero time.Time are None.
//   - An Image is a picture (see Image).
//
// So a small view type can add what templates call to a domain type:
//
//	type programmeView struct{ *convention.Programme }
//
//	func (p programmeView) EddClassiqueText() string { ... } // programme.edd_classique_text()
//
// Values reached through an object (a field, a method's result, an
// element) are adapted when reached, so only what a template reads costs.
// An unknown attribute is None, as in Jinja; an unknown method is an error.
//
// # Errors
//
// Before rendering, every tag of a part is checked: unknown filters (even
// in a branch never taken), unknown statements, unclosed tags and blocks,
// blocks closed by the wrong tag, empty tags, a {%tr %} outside a table
// row... Then gonja's syntax and execution errors are traced back to their
// tag, and the produced XML is checked: a block opened in a paragraph and
// closed in a table cell would break the document, and is reported.
//
// # Differences from docxtpl
//
// None prints nothing (Jinja prints "None"); unknown filters are reported
// even when unused; a date filter given something that is not a date is an
// error (Django's date filter printed ""); tl of something else than a
// typologie gives "" (the reference printed "None"); inline_text_multiline
// drops empty lines; f separates thousands with a non-breaking space (the
// reference used a plain space, which could wrap an amount). Images work in
// headers and footers too. docxtpl's {% vm %}, {% hm %}, {% colspan %} and
// {% cellbg %}, its RichText, Listing and Subdoc objects, and the rendering
// of the document properties are not supported.
package docx
