// Lint configuration for the stack, its tests and the policy pack.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
    {
        ignores: [
            "node_modules/**",
            "policy/node_modules/**",
            "bin/**",
            "policy/dist/**",
            "test/fixtures/**",
            "**/*.mjs",
        ],
    },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        // The pack's loader and build script: plain CommonJS that Node runs as it is.
        files: ["**/*.js"],
        languageOptions: {
            sourceType: "commonjs",
            globals: {
                require: "readonly",
                module: "writable",
                __dirname: "readonly",
                __filename: "readonly",
                process: "readonly",
            },
        },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        files: ["**/*.ts"],
        plugins: { "@pulumi": pulumi },
        languageOptions: {
            parserOptions: {
                project: ["./tsconfig.json", "./policy/tsconfig.json"],
                tsconfigRootDir: import.meta.dirname,
            },
        },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
            "@typescript-eslint/no-floating-promises": "error",
            eqeqeq: ["error", "always"],
        },
    },
);
