// RunPlugin for the Node.js language host that hack/toolchain.sh builds.
//
// The newest host the Go module proxy serves predates RunPlugin and answers "not supported",
// while current CLIs start a TypeScript policy pack (`pulumi preview --policy-pack ./policy`)
// only through it. toolchain.sh drops that stub and compiles this file into the host instead.
// It starts the pack the way current hosts do:
//
//	node <pack>/node_modules/@pulumi/pulumi/cmd/run-policy-pack --pwd <pack> <engine address> <pack>
//
// streaming the pack's stdout and stderr back to the engine.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/encoding/protowire"
)

func (host *nodeLanguageHost) RunPlugin(
	req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer,
) error {
	directory := pluginDirectory(req)
	if directory == "" {
		return errors.New("RunPlugin: the request names no plugin directory")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return err
	}
	runPolicyPack := filepath.Join(directory, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack")
	if _, err := os.Stat(runPolicyPack); err != nil {
		return fmt.Errorf("it looks like the policy pack's dependencies are not installed; "+
			"run npm install in %q: %w", directory, err)
	}

	environment := req.Env
	if len(environment) == 0 {
		environment = os.Environ()
	}
	if _, err := os.Stat(filepath.Join(directory, "tsconfig.json")); err == nil {
		environment = append(environment, "PULUMI_NODEJS_TYPESCRIPT=true")
	}

	streams := &pluginStreams{server: server}
	// run-policy-pack takes `<engine address> <program>`; --pwd makes it find the pack's tsconfig.json.
	args := append([]string{runPolicyPack, "--pwd", directory}, req.Args...)
	cmd := exec.Command(node, append(args, directory)...)
	cmd.Dir = req.Pwd
	cmd.Env = environment
	cmd.Stdout = pluginOutput{streams, false}
	cmd.Stderr = pluginOutput{streams, true}
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("policy pack exited with non-zero exit code: %d", exit.ExitCode())
		}
		return fmt.Errorf("could not run the policy pack with %s: %w", node, err)
	}
	return nil
}

// pluginDirectory reads the plugin's folder from the request. Current engines send it in
// RunPluginRequest.info.program_directory (fields 5 and 2), which this host's generated types
// predate, so it arrives among the unknown fields; older engines set `program`.
func pluginDirectory(req *pulumirpc.RunPluginRequest) string {
	if info, ok := bytesField(req.ProtoReflect().GetUnknown(), 5); ok {
		if directory, ok := bytesField(info, 2); ok && len(directory) > 0 {
			return string(directory)
		}
	}
	return req.Program
}

// bytesField returns the last length-delimited field with the given number in a wire-format message.
func bytesField(message []byte, number protowire.Number) ([]byte, bool) {
	var value []byte
	found := false
	for len(message) > 0 {
		fieldNumber, fieldType, length := protowire.ConsumeTag(message)
		if length < 0 {
			return nil, false
		}
		message = message[length:]
		if fieldNumber == number && fieldType == protowire.BytesType {
			bytes, n := protowire.ConsumeBytes(message)
			if n < 0 {
				return nil, false
			}
			value, found = bytes, true
			message = message[n:]
			continue
		}
		n := protowire.ConsumeFieldValue(fieldNumber, fieldType, message)
		if n < 0 {
			return nil, false
		}
		message = message[n:]
	}
	return value, found
}

// pluginStreams serialises sends: a gRPC stream must not be written from two goroutines at once.
type pluginStreams struct {
	server pulumirpc.LanguageRuntime_RunPluginServer
	lock   sync.Mutex
}

type pluginOutput struct {
	streams *pluginStreams
	stderr  bool
}

func (output pluginOutput) Write(data []byte) (int, error) {
	chunk := append([]byte(nil), data...)
	response := &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: chunk}}
	if output.stderr {
		response = &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: chunk}}
	}
	output.streams.lock.Lock()
	defer output.streams.lock.Unlock()
	if err := output.streams.server.Send(response); err != nil {
		return 0, err
	}
	return len(data), nil
}
