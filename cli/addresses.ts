// `npm run addresses -- [--stack NAME] [--cluster]`: which address of the LAN is whose.
//
// Offline it prints the address plan of the stack's validated settings (Pulumi.yaml and
// Pulumi.<stack>.yaml, read as `pulumi config` resolves them): pools, reserved addresses, what is
// left to the LAN's hosts. With --cluster it also reads every LoadBalancer Service of the cluster
// in KUBECONFIG and shows what MetalLB allocated to which Service (`status.loadBalancer` and
// `metallb.io/ip-allocated-from-pool`), flagging addresses in use outside every pool and Services
// still waiting. The cluster is only read when asked: the plan never depends on a network.

import * as k8s from "@kubernetes/client-node";
import * as path from "path";
import {
    addressMapTitle,
    mapAddresses,
    renderAddressMap,
    ServiceAddresses,
    serviceAddressesOf,
} from "./addressMap";
import { addressPlanOf } from "../stacks/addressPlan";
import { readStackFiles } from "../stacks/stackFiles";
import { validateSettings } from "../stacks/validation";

const projectDirectory = path.resolve(__dirname, "..");

interface Options {
    stack: string;
    cluster: boolean;
}

const usage = "usage: npm run addresses -- [--stack NAME] [--cluster]   (stack: homelab unless given)";

function parseArguments(argv: string[]): Options {
    const options: Options = { stack: "homelab", cluster: false };
    for (let index = 0; index < argv.length; index++) {
        const argument = argv[index];
        if (argument === "--cluster") {
            options.cluster = true;
        } else if ((argument === "--stack" || argument === "-s") && argv[index + 1]) {
            options.stack = argv[++index];
        } else if (argument.startsWith("--stack=")) {
            options.stack = argument.slice("--stack=".length);
        } else {
            throw new Error(`unknown argument "${argument}"\n${usage}`);
        }
    }
    return options;
}

/** Every LoadBalancer Service of the cluster in KUBECONFIG, as MetalLB left it. */
async function readLoadBalancerServices(): Promise<{ server: string; services: ServiceAddresses[] }> {
    const config = new k8s.KubeConfig();
    config.loadFromDefault();
    const server = config.getCurrentCluster()?.server ?? "(no cluster in KUBECONFIG)";
    try {
        const response = await config.makeApiClient(k8s.CoreV1Api).listServiceForAllNamespaces();
        const services = response.body.items.flatMap((service) => {
            const addresses = serviceAddressesOf(service);
            return addresses ? [addresses] : [];
        });
        return { server, services };
    } catch (error) {
        const body = (error as { body?: { message?: string } }).body;
        throw new Error(`cannot list the Services of ${server}: ${body?.message ?? String(error)}`);
    }
}

/** The map as printed; exported for the tests, which run it in-process. */
export async function addressReport(argv: string[]): Promise<string> {
    const options = parseArguments(argv);
    const settings = validateSettings(readStackFiles(projectDirectory, options.stack));
    const plan = addressPlanOf(settings);
    const title = addressMapTitle(options.stack, plan);
    if (!options.cluster) {
        return renderAddressMap(mapAddresses(plan), title);
    }
    const { server, services } = await readLoadBalancerServices();
    return renderAddressMap(
        mapAddresses(plan, services),
        `${title}, allocations as MetalLB reports them on ${server}`,
    );
}

if (require.main === module) {
    addressReport(process.argv.slice(2)).then(
        (report) => process.stdout.write(report),
        (error: unknown) => {
            process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
            process.exitCode = 1;
        },
    );
}
