package main

// Readiness probes of containers run for real, as kubelet's prober runs them
// (pkg/kubelet/prober): HTTP GET (2xx and 3xx pass, TLS not verified) and TCP connect against the
// pod's address, with the probe's thresholds. Periods longer than the node's sync period are
// shortened to it, so tests do not wait on the clock. Exec and gRPC probes are not modelled and
// pass.

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

type prober struct {
	ready atomic.Bool
	stop  chan struct{}
}

func startProber(probe *corev1.Probe, container corev1.Container, podIP string, maxPeriod time.Duration, onChange func()) *prober {
	p := &prober{stop: make(chan struct{})}
	period := time.Duration(probe.PeriodSeconds) * time.Second
	if period <= 0 || period > maxPeriod {
		period = maxPeriod
	}
	delay := time.Duration(probe.InitialDelaySeconds) * time.Second
	if delay > maxPeriod {
		delay = maxPeriod
	}
	timeout := time.Duration(max(probe.TimeoutSeconds, 1)) * time.Second
	successThreshold := max(probe.SuccessThreshold, 1)
	failureThreshold := max(probe.FailureThreshold, 1)
	go func() {
		var successes, failures int32
		wait := delay
		for {
			select {
			case <-p.stop:
				return
			case <-time.After(wait):
			}
			wait = period
			if check(probe, container, podIP, timeout) {
				successes, failures = successes+1, 0
			} else {
				successes, failures = 0, failures+1
			}
			was := p.ready.Load()
			if !was && successes >= successThreshold {
				p.ready.Store(true)
			} else if was && failures >= failureThreshold {
				p.ready.Store(false)
			}
			if p.ready.Load() != was {
				onChange()
			}
		}
	}()
	return p
}

func (p *prober) halt() { close(p.stop) }

func check(probe *corev1.Probe, container corev1.Container, podIP string, timeout time.Duration) bool {
	switch {
	case probe.HTTPGet != nil:
		get := probe.HTTPGet
		port, err := resolvePort(get.Port, container)
		if err != nil {
			return false
		}
		host := get.Host
		if host == "" {
			host = podIP
		}
		scheme := strings.ToLower(string(get.Scheme))
		if scheme == "" {
			scheme = "http"
		}
		client := &http.Client{
			Timeout:   timeout,
			Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
		}
		address := fmt.Sprintf("%s://%s%s", scheme, net.JoinHostPort(host, strconv.Itoa(port)), get.Path)
		response, err := client.Get(address)
		if err != nil {
			return false
		}
		response.Body.Close()
		return response.StatusCode >= 200 && response.StatusCode < 400
	case probe.TCPSocket != nil:
		port, err := resolvePort(probe.TCPSocket.Port, container)
		if err != nil {
			return false
		}
		connection, err := net.DialTimeout("tcp", net.JoinHostPort(podIP, strconv.Itoa(port)), timeout)
		if err != nil {
			return false
		}
		connection.Close()
		return true
	default:
		return true
	}
}

func resolvePort(port intstr.IntOrString, container corev1.Container) (int, error) {
	if port.Type == intstr.Int {
		return port.IntValue(), nil
	}
	for _, candidate := range container.Ports {
		if candidate.Name == port.StrVal {
			return int(candidate.ContainerPort), nil
		}
	}
	return 0, fmt.Errorf("container %s has no port named %q", container.Name, port.StrVal)
}
