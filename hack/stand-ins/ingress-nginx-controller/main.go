// Command nginx-ingress-controller stands in for ingress-nginx's controller image
// (registry.k8s.io/ingress-nginx/controller), an OpenResty build whose module the Go module proxy
// does not serve. It does the parts of that container's job the tests observe, on the ports the
// chart gives it (kubernetes/ingress-nginx charts/ingress-nginx templates/controller-deployment.yaml
// at helm-chart-4.15.1):
//
//   - /healthz on :10254, the chart's readiness probe;
//   - the validating admission webhook on --validating-webhook with the certificate and key the
//     certgen Job stored (--validating-webhook-certificate, --validating-webhook-key): it admits
//     every Ingress (upstream also checks the rendered nginx configuration);
//   - HTTP on :80 and :443 (plain HTTP on both): every request is answered with a line naming the
//     pod, so a test sees which controller pod a request reached.
//
// It does not route to backends, read Ingress objects, the ConfigMap or the IngressClass, elect a
// leader, or publish the Service's address into Ingress status.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	log.SetPrefix("nginx-ingress-controller (stand-in): ")
	webhookAddress, certificate, key := "", "", ""
	for _, argument := range os.Args[1:] {
		name, value, _ := strings.Cut(strings.TrimLeft(argument, "-"), "=")
		switch name {
		case "validating-webhook":
			webhookAddress = value
		case "validating-webhook-certificate":
			certificate = value
		case "validating-webhook-key":
			key = value
		}
	}
	pod := os.Getenv("POD_NAMESPACE") + "/" + os.Getenv("POD_NAME")

	health := http.NewServeMux()
	health.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	go serve(&http.Server{Addr: ":10254", Handler: health})

	answer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "ingress-nginx controller stand-in %s: %s %s from %s\n", pod, r.Method, r.URL.Path, r.RemoteAddr)
	})
	go serve(&http.Server{Addr: ":80", Handler: answer})
	go serve(&http.Server{Addr: ":443", Handler: answer})

	if webhookAddress != "" {
		webhook := http.NewServeMux()
		webhook.HandleFunc("/networking/v1/ingresses", admitIngress)
		server := &http.Server{Addr: webhookAddress, Handler: webhook}
		go func() {
			// The certificate arrives with the Secret volume; wait for it as the real controller does.
			for {
				if _, err := os.Stat(certificate); err == nil {
					break
				}
				time.Sleep(time.Second)
			}
			log.Fatal(server.ListenAndServeTLS(certificate, key))
		}()
	}
	log.Printf("serving for %s", pod)
	select {}
}

func serve(server *http.Server) { log.Fatal(server.ListenAndServe()) }

// admitIngress answers an AdmissionReview (admission.k8s.io/v1) with allowed: true.
func admitIngress(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var review struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Request    struct {
			UID string `json:"uid"`
		} `json:"request"`
	}
	if err := json.Unmarshal(body, &review); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"apiVersion": review.APIVersion,
		"kind":       review.Kind,
		"response":   map[string]any{"uid": review.Request.UID, "allowed": true},
	})
}
