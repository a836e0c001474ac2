package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"mailaudit/relay"
	"mailaudit/sink"
)

// cmdSink runs the stand-in upstream: what the city submission server is
// to the relay in the demo and the benchmarks.
func cmdSink(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sink", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:2526", "listen address")
	dir := fs.String("dir", "", "store accepted messages as .eml files here (default: discard)")
	users := fs.String("users", "", "require AUTH: comma-separated user:password pairs")
	starttls := fs.Bool("starttls", false, "offer STARTTLS with a self-signed certificate")
	maildirs := fs.String("maildirs", "", "deliver to <DIR>/<recipient>/Maildir where it exists (the demo's Dovecot serves them)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	log := slog.New(slog.NewJSONHandler(stdout, nil))
	opts := sink.Options{Addr: *addr, Dir: *dir, Maildirs: *maildirs, Log: log}
	if *users != "" {
		opts.Users = map[string]string{}
		for _, pair := range strings.Split(*users, ",") {
			u, p, ok := strings.Cut(pair, ":")
			if !ok || u == "" {
				fmt.Fprintf(stderr, "mailaudit sink: --users: %q is not user:password\n", pair)
				return 2
			}
			opts.Users[u] = p
		}
	}
	if *starttls {
		cert, err := relay.SelfSigned("sink.localhost")
		if err != nil {
			fmt.Fprintf(stderr, "mailaudit sink: %v\n", err)
			return 1
		}
		opts.TLS = tlsConfig(cert)
	}
	s, err := sink.Start(opts)
	if err != nil {
		fmt.Fprintf(stderr, "mailaudit sink: %v\n", err)
		return 1
	}
	log.Info("sink listening", "addr", s.Addr(), "dir", *dir, "auth", opts.Users != nil)
	<-ctx.Done()
	s.Close()
	return 0
}
