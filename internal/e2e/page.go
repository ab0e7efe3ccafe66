package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

// cspBinding is the page-side function that reports CSP violations to
// the test (Runtime.addBinding). The listener is installed by the
// debugger before any page script, and is not itself subject to the CSP.
const cspBinding = "__apilosReportCSP"

const cspListener = `document.addEventListener("securitypolicyviolation", function (e) {
  window.` + cspBinding + `(JSON.stringify({directive: e.violatedDirective, blocked: e.blockedURI,
    source: e.sourceFile, line: e.lineNumber, sample: e.sample, page: document.location.pathname}));
});`

// Page is one tab, attached in flat session mode.
type Page struct {
	b       *Browser
	session string
	loads   chan struct{}

	mu         sync.Mutex
	settled    map[string]chan struct{}
	settleN    int
	console    []string
	logs       []LogEntry
	exceptions []string
	violations []string

	// AfterLoad, when set, runs after every load AndWaitLoad waited for
	// (the browser tests check each page's accessibility there).
	AfterLoad func(ctx context.Context) error
}

// LogEntry is a browser log entry (Log.entryAdded): network failures,
// security messages, interventions...
type LogEntry struct {
	Source string `json:"source"`
	Level  string `json:"level"`
	Text   string `json:"text"`
	URL    string `json:"url"`
}

// NewPage opens a blank tab and starts recording its console, log,
// exceptions and CSP violations.
func (b *Browser) NewPage(ctx context.Context) (*Page, error) {
	events := b.Subscribe()
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := b.Call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		return nil, err
	}
	var att struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.Call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att); err != nil {
		return nil, err
	}
	p := &Page{b: b, session: att.SessionID, loads: make(chan struct{}, 64)}
	go p.record(events)
	for _, c := range []struct {
		method string
		params any
	}{
		{"Page.enable", nil},
		{"Runtime.enable", nil},
		{"Log.enable", nil},
		{"Runtime.addBinding", map[string]any{"name": cspBinding}},
		{"Page.addScriptToEvaluateOnNewDocument", map[string]any{"source": cspListener}},
	} {
		if err := b.Call(ctx, p.session, c.method, c.params, nil); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *Page) record(events <-chan Event) {
	for ev := range events {
		if ev.SessionID != p.session {
			continue
		}
		switch ev.Method {
		case "Page.loadEventFired":
			select {
			case p.loads <- struct{}{}:
			default:
			}
		case "Runtime.consoleAPICalled":
			var v struct {
				Type string `json:"type"`
				Args []struct {
					Value       any    `json:"value"`
					Description string `json:"description"`
				} `json:"args"`
			}
			json.Unmarshal(ev.Params, &v)
			var parts []string
			for _, a := range v.Args {
				if a.Value != nil {
					parts = append(parts, fmt.Sprint(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			p.mu.Lock()
			p.console = append(p.console, v.Type+": "+strings.Join(parts, " "))
			p.mu.Unlock()
		case "Runtime.exceptionThrown":
			var v struct {
				Details struct {
					Text      string `json:"text"`
					URL       string `json:"url"`
					Exception struct {
						Description string `json:"description"`
					} `json:"exception"`
				} `json:"exceptionDetails"`
			}
			json.Unmarshal(ev.Params, &v)
			p.mu.Lock()
			p.exceptions = append(p.exceptions, strings.TrimSpace(v.Details.Text+" "+v.Details.Exception.Description+" "+v.Details.URL))
			p.mu.Unlock()
		case "Log.entryAdded":
			var v struct {
				Entry LogEntry `json:"entry"`
			}
			json.Unmarshal(ev.Params, &v)
			p.mu.Lock()
			p.logs = append(p.logs, v.Entry)
			p.mu.Unlock()
		case "Runtime.bindingCalled":
			var v struct {
				Name    string `json:"name"`
				Payload string `json:"payload"`
			}
			json.Unmarshal(ev.Params, &v)
			if v.Name == cspBinding {
				p.mu.Lock()
				if ch, ok := p.settled[v.Payload]; ok {
					close(ch)
					delete(p.settled, v.Payload)
				} else {
					p.violations = append(p.violations, v.Payload)
				}
				p.mu.Unlock()
			}
		}
	}
}

// Settle waits until the page's pending work has run (violation reports
// are dispatched as tasks, possibly after the load event) and every event
// sent before has been recorded: it lets timers due now run, then sends a
// marker through the reporting binding and waits for it to come back.
func (p *Page) Settle(ctx context.Context) error {
	p.mu.Lock()
	p.settleN++
	marker := fmt.Sprintf("__settle__%d", p.settleN)
	ch := make(chan struct{})
	if p.settled == nil {
		p.settled = map[string]chan struct{}{}
	}
	p.settled[marker] = ch
	p.mu.Unlock()
	m, _ := json.Marshal(marker)
	if err := p.Eval(ctx, `new Promise(r => setTimeout(() => { window.`+cspBinding+`(`+string(m)+`); r(true) }, 50))`, nil); err != nil {
		return err
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("attente des événements de la page : %w", ctx.Err())
	}
}

// Report is what a page reported since the last Reset.
type Report struct {
	Console    []string   // console.* calls, "type: text"
	Logs       []LogEntry // browser log entries
	Exceptions []string   // uncaught JavaScript exceptions
	Violations []string   // CSP violations (JSON of the event)
}

// Report returns a copy of what was recorded.
func (p *Page) Report() Report {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Report{
		Console:    append([]string(nil), p.console...),
		Logs:       append([]LogEntry(nil), p.logs...),
		Exceptions: append([]string(nil), p.exceptions...),
		Violations: append([]string(nil), p.violations...),
	}
}

// Reset forgets what was recorded.
func (p *Page) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.console, p.logs, p.exceptions, p.violations = nil, nil, nil, nil
}

// AndWaitLoad runs action (a navigation, a click on a submit button...),
// waits for the load event of the page it leads to, then Settles.
func (p *Page) AndWaitLoad(ctx context.Context, action func() error) error {
	for len(p.loads) > 0 {
		<-p.loads
	}
	if err := action(); err != nil {
		return err
	}
	select {
	case <-p.loads:
	case <-ctx.Done():
		return fmt.Errorf("attente du chargement de la page : %w", ctx.Err())
	}
	// Let the page's late reports arrive before anyone leaves it.
	if err := p.Settle(ctx); err != nil {
		return err
	}
	if p.AfterLoad != nil {
		return p.AfterLoad(ctx)
	}
	return nil
}

// SetViewport sets the page's window size in CSS pixels (mobile: a
// touch device's viewport rules), as a phone or a desktop would.
func (p *Page) SetViewport(ctx context.Context, width, height int, mobile bool) error {
	return p.b.Call(ctx, p.session, "Emulation.setDeviceMetricsOverride", map[string]any{
		"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile,
	}, nil)
}

// Navigate loads url and waits for its load event.
func (p *Page) Navigate(ctx context.Context, url string) error {
	return p.AndWaitLoad(ctx, func() error {
		var res struct {
			ErrorText string `json:"errorText"`
		}
		if err := p.b.Call(ctx, p.session, "Page.navigate", map[string]any{"url": url}, &res); err != nil {
			return err
		}
		if res.ErrorText != "" {
			return fmt.Errorf("navigation vers %s : %s", url, res.ErrorText)
		}
		return nil
	})
}

// Eval evaluates a JavaScript expression in the page and decodes its
// value (JSON-serialisable) into out, which may be nil.
func (p *Page) Eval(ctx context.Context, expr string, out any) error {
	var res struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		Exception *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	err := p.b.Call(ctx, p.session, "Runtime.evaluate", map[string]any{
		"expression": expr, "returnByValue": true, "awaitPromise": true,
	}, &res)
	if err != nil {
		return err
	}
	if res.Exception != nil {
		return fmt.Errorf("javascript %q : %s %s", expr, res.Exception.Text, res.Exception.Exception.Description)
	}
	if out != nil && len(res.Result.Value) > 0 {
		return json.Unmarshal(res.Result.Value, out)
	}
	return nil
}

// Type focuses the element matched by selector, clears it, and types
// text as keyboard input (Input.insertText), as a user would.
func (p *Page) Type(ctx context.Context, selector, text string) error {
	sel, _ := json.Marshal(selector)
	var found bool
	if err := p.Eval(ctx, `(() => { const e = document.querySelector(`+string(sel)+`); if (!e) return false; e.focus(); e.value = ""; return true; })()`, &found); err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("élément %s introuvable", selector)
	}
	return p.b.Call(ctx, p.session, "Input.insertText", map[string]any{"text": text}, nil)
}

// Click clicks the element matched by selector with a real mouse event
// at its centre (so that the browser applies its own rules to it).
func (p *Page) Click(ctx context.Context, selector string) error {
	sel, _ := json.Marshal(selector)
	var box struct {
		X, Y           float64
		Found, Visible bool
	}
	err := p.Eval(ctx, `(() => { const e = document.querySelector(`+string(sel)+`); if (!e) return {Found: false};
		e.scrollIntoView({block: "center"}); const r = e.getBoundingClientRect();
		return {Found: true, Visible: r.width > 0 && r.height > 0, X: r.left + r.width / 2, Y: r.top + r.height / 2}; })()`, &box)
	if err != nil {
		return err
	}
	if !box.Found {
		return fmt.Errorf("élément %s introuvable", selector)
	}
	if !box.Visible {
		return fmt.Errorf("élément %s invisible : impossible de cliquer dessus", selector)
	}
	for _, typ := range []string{"mousePressed", "mouseReleased"} {
		if err := p.b.Call(ctx, p.session, "Input.dispatchMouseEvent", map[string]any{
			"type": typ, "x": box.X, "y": box.Y, "button": "left", "clickCount": 1,
		}, nil); err != nil {
			return err
		}
	}
	return nil
}

// SetFiles chooses files for the file input matched by selector, as a
// user picking them in the file dialog (DOM.setFileInputFiles).
func (p *Page) SetFiles(ctx context.Context, selector string, paths ...string) error {
	sel, _ := json.Marshal(selector)
	var res struct {
		Result struct {
			ObjectID string `json:"objectId"`
		} `json:"result"`
	}
	if err := p.b.Call(ctx, p.session, "Runtime.evaluate", map[string]any{"expression": "document.querySelector(" + string(sel) + ")"}, &res); err != nil {
		return err
	}
	if res.Result.ObjectID == "" {
		return fmt.Errorf("élément %s introuvable", selector)
	}
	return p.b.Call(ctx, p.session, "DOM.setFileInputFiles", map[string]any{"files": paths, "objectId": res.Result.ObjectID}, nil)
}
