// ESLint flat configuration for the whole monorepo: `npm run lint` runs it with
// `--max-warnings 0`. TypeScript files get typescript-eslint's strict and stylistic
// type-checked rule sets (types come from each package's tsconfig through the project
// service); the plain `.mjs` scripts get ESLint's recommended rules without types.
// Every rule turned off or tuned below is listed, with its reason, in ARCHITECTURE.md
// ("Lint and format").
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Node globals the untyped `.mjs` scripts use (TypeScript files get them from @types/node). */
const nodeGlobals = {
  console: "readonly",
  process: "readonly",
  URL: "readonly",
  Buffer: "readonly",
  setTimeout: "readonly",
  clearTimeout: "readonly",
  setImmediate: "readonly",
};

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "packages/*/bundle/**",
      "**/dist-test/**",
      "**/dist-types/**",
      "**/coverage/**",
      "**/*.tsbuildinfo",
      "bench/results/**",
      "bench/.build/**",
      "docs/api/**",
      "test/fixtures/**",
      "test/consumer/**",
      "api/**",
    ],
  },
  {
    linterOptions: {
      reportUnusedDisableDirectives: "error",
    },
  },
  js.configs.recommended,
  {
    files: ["**/*.ts"],
    extends: [tseslint.configs.strictTypeChecked, tseslint.configs.stylisticTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Twisted's callback names (`connectionMade`, `makeConnection`, `startFactory`...) are
      // deliberately empty in base classes: subclasses override the ones they need.
      "@typescript-eslint/no-empty-function": "off",
      // Numbers and booleans in messages are clearer than `String(n)` everywhere; objects
      // and `unknown` are still rejected.
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowBoolean: true, allowNullish: false, allowAny: false },
      ],
      // Callbacks typed `() => void | PromiseLike<unknown>` and Twisted-style listeners
      // return whatever they return; requiring `void` at each arrow obscures them.
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true, ignoreVoidOperator: true }],
      // Base-class no-op methods keep their documented parameter names (they are in the
      // .d.ts and the docs), so unused arguments are allowed; unused variables are not.
      "@typescript-eslint/no-unused-vars": ["error", { args: "none", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // node:test's `describe`/`it`/`test` return promises the runner itself awaits.
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            {
              from: "package",
              package: "node:test",
              name: ["describe", "it", "test", "suite", "before", "after", "beforeEach", "afterEach"],
            },
          ],
        },
      ],
      // Twisted methods may return a Deferred or nothing: `void | Deferred<T>` and
      // `void | PromiseLike<unknown>` are the project's deliberate return types.
      "@typescript-eslint/no-invalid-void-type": "off",
      // Conflicts with `no-non-null-assertion` (it asks for the `!` that rule forbids).
      "@typescript-eslint/non-nullable-type-assertion-style": "off",
    },
  },
  {
    // Tests, examples and benchmarks state their own invariants: a wrong `!` or downcast
    // there fails the test that relies on it, so the two rules guarding library code
    // against unchecked narrowing are relaxed.
    // The howto snippets are example programs the docs tests compile and run, so they count
    // as examples here.
    files: ["**/test/**/*.ts", "test/**/*.ts", "examples/**/*.ts", "bench/**/*.ts", "docs/howto/snippets/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-class-instance-assignment": "off",
      // Tests assert at run time what the types already promise (that is their point), and
      // tests of promise interop need async functions that do not await.
      "@typescript-eslint/no-unnecessary-condition": "off",
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: "module",
      globals: nodeGlobals,
    },
  },
);
