package docx

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// fixTables makes each table's grid (<w:tblGrid>) match its widest row, as
// docxtpl does after a {%tc for %} loop has added or removed cells: the
// table keeps its total width, shared among the columns.
func fixTables(x string) string {
	var starts []int
	for i := 0; ; {
		k := strings.Index(x[i:], "<w:tbl>")
		if k < 0 {
			break
		}
		starts = append(starts, i+k)
		i += k + len("<w:tbl>")
	}
	// From the last table: an inner table is fixed before the one holding it,
	// and a change never moves a table not yet seen.
	for i := len(starts) - 1; i >= 0; i-- {
		s := starts[i]
		e := enclosingEnd(x, s+len("<w:tbl>"), "tbl")
		if e < 0 {
			continue
		}
		if fixed, ok := fixGrid(x[s:e]); ok {
			x = x[:s] + fixed + x[e:]
		}
	}
	return x
}

var (
	reGridCol  = regexp.MustCompile(`<w:gridCol\b[^>]*?/>`)
	reWidth    = regexp.MustCompile(`\bw:w="(\d+)"`)
	reGridSpan = regexp.MustCompile(`<w:gridSpan w:val="(\d+)"/>`)
)

// fixGrid rewrites the grid of one table (from <w:tbl> to </w:tbl>).
func fixGrid(tbl string) (string, bool) {
	gs := strings.Index(tbl, "<w:tblGrid>")
	ge := strings.Index(tbl, "</w:tblGrid>")
	if gs < 0 || ge < gs {
		return "", false
	}
	var widths []int
	for _, col := range reGridCol.FindAllString(tbl[gs:ge], -1) {
		w := 0
		if m := reWidth.FindStringSubmatch(col); m != nil {
			w, _ = strconv.Atoi(m[1])
		}
		widths = append(widths, w)
	}
	cells := widestRow(tbl)
	if len(widths) == 0 || cells == 0 || cells == len(widths) {
		return "", false
	}
	total := 0
	for _, w := range widths {
		total += w
	}
	if cells > len(widths) {
		oldAvg, newAvg := total/len(widths), total/cells
		for i, w := range widths {
			if oldAvg > 0 {
				widths[i] = w * newAvg / oldAvg
			}
		}
		for len(widths) < cells {
			widths = append(widths, newAvg)
		}
	} else {
		removed := 0
		for _, w := range widths[cells:] {
			removed += w
		}
		widths = widths[:cells]
		for i := range widths {
			widths[i] += removed / cells
		}
	}
	var grid strings.Builder
	grid.WriteString("<w:tblGrid>")
	for _, w := range widths {
		fmt.Fprintf(&grid, `<w:gridCol w:w="%d"/>`, w)
	}
	return tbl[:gs] + grid.String() + tbl[ge:], true
}

// widestRow counts the grid columns of the widest row of a table: its own
// cells, with their spans, not those of tables nested in them.
func widestRow(tbl string) int {
	widest, row, depth := 0, 0, 0
	for i := 0; i < len(tbl); i++ {
		k := strings.IndexByte(tbl[i:], '<')
		if k < 0 {
			break
		}
		i += k
		switch {
		case strings.HasPrefix(tbl[i:], "<w:tbl>"):
			depth++
		case strings.HasPrefix(tbl[i:], "</w:tbl>"):
			depth--
		case depth != 1:
		case strings.HasPrefix(tbl[i:], "<w:tr>") || strings.HasPrefix(tbl[i:], "<w:tr "):
			row = 0
		case strings.HasPrefix(tbl[i:], "</w:tr>"):
			widest = max(widest, row)
		case strings.HasPrefix(tbl[i:], "<w:tc>") || strings.HasPrefix(tbl[i:], "<w:tc "):
			span := 1
			if end := strings.Index(tbl[i:], "</w:tcPr>"); end > 0 {
				own := tbl[i+1 : i+end]
				if m := reGridSpan.FindStringSubmatch(own); m != nil && !strings.Contains(own, "<w:tc>") && !strings.Contains(own, "<w:tc ") {
					span, _ = strconv.Atoi(m[1])
				}
			}
			row += span
		}
	}
	return widest
}
