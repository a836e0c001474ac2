package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"mailaudit/classify"
)

// classifyLine is one --json output record.
type classifyLine struct {
	File string `json:"file"`
	classify.Verdict
}

// cmdClassify implements
//
//	mailaudit classify [--json] [--explain] [--rules FILE] PATH...
//
// PATHs are .eml files or folders searched for .eml files. It returns the
// process exit code: 0 when every file was read, 1 when some could not be
// opened or the classifier panicked on one (the verdict's "panic: …"
// error, also reported on stderr: a panic is a bug), 2 on usage errors.
func cmdClassify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("classify", flag.ContinueOnError)
	fl.SetOutput(stderr)
	asJSON := fl.Bool("json", false, "one JSON object per message per line")
	explain := fl.Bool("explain", false, "print the signals behind each verdict")
	rulesPath := fl.String("rules", "", "rules YAML file (default: built-in rules)")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: mailaudit classify [--json] [--explain] [--rules FILE] PATH...")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() == 0 {
		fl.Usage()
		return 2
	}
	c, err := classify.New(classify.Config{Rules: *rulesPath})
	if err != nil {
		fmt.Fprintf(stderr, "mailaudit classify: %v\n", err)
		return 2
	}
	files, failed := collectEML(fl.Args(), stderr)
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	for _, f := range files {
		if ctx.Err() != nil {
			break
		}
		v, err := classifyFile(ctx, c, f)
		if err != nil {
			fmt.Fprintf(stderr, "mailaudit classify: %v\n", err)
			failed = true
			continue
		}
		for _, e := range v.Errors {
			if strings.HasPrefix(e, "panic:") {
				fmt.Fprintf(stderr, "mailaudit classify: %s: classifier bug: %s\n", f, e)
				failed = true
			}
		}
		if *asJSON {
			if err := enc.Encode(classifyLine{File: f, Verdict: v}); err != nil {
				fmt.Fprintf(stderr, "mailaudit classify: write: %v\n", err)
				return 1
			}
			continue
		}
		flags := ""
		if v.Secrecy != "none" {
			flags += " SECRET:" + v.Secrecy
		}
		if v.Urgency != "none" {
			flags += " urgent:" + v.Urgency
		}
		if len(v.Errors) > 0 {
			flags += " errors:" + strings.Join(v.Errors, ",")
		}
		mand := "-"
		if v.Mandated {
			mand = "mandated"
		}
		num := v.DocNumber
		if num == "" {
			num = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%.2f\t%s\t%s\t%s\t%s\n", f, v.Type, v.Confidence, v.Audience, num, mand, strings.TrimSpace(flags))
		if *explain {
			tw.Flush()
			for _, s := range v.Signals {
				fmt.Fprintf(stdout, "    %+5.1f  %s: %s\n", s.Weight, s.Where, s.What)
			}
			for _, a := range v.Attachments {
				fmt.Fprintf(stdout, "    attachment %q %s %d bytes → %s (%d chars)\n", a.Name, a.ContentType, a.Bytes, a.Type, a.Chars)
			}
		}
	}
	tw.Flush()
	if failed {
		return 1
	}
	return 0
}

func classifyFile(ctx context.Context, c *classify.Classifier, path string) (classify.Verdict, error) {
	f, err := os.Open(path)
	if err != nil {
		return classify.Verdict{}, err
	}
	defer f.Close()
	return c.Classify(ctx, f, classify.Envelope{}), nil
}

// collectEML expands folders into their .eml files (sorted); plain file
// arguments are taken whatever their extension.
func collectEML(paths []string, stderr io.Writer) ([]string, bool) {
	var out []string
	failed := false
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			fmt.Fprintf(stderr, "mailaudit classify: %v\n", err)
			failed = true
			continue
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				fmt.Fprintf(stderr, "mailaudit classify: %v\n", err)
				failed = true
				return nil
			}
			if !d.IsDir() && strings.EqualFold(filepath.Ext(path), ".eml") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			fmt.Fprintf(stderr, "mailaudit classify: %v\n", err)
			failed = true
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, failed
}
