import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Words the user reads must go through the translator (trans.__ / trans._n): a literal with
// letters in JSX text, in a user-facing attribute, in a notification or in a dialog or command
// option is an error. (test/i18n.spec.tsx checks the rendered panel under a pseudo-locale too.)
const LETTERS = '/[A-Za-z]/';
const SHOWN_ATTR = '/^(title|aria-label|placeholder|label|caption|alt)$/';
const SHOWN_KEY = '/^(title|label|caption|body|tooltip)$/';
const TEMPLATE = `TemplateLiteral:has(TemplateElement[value.cooked=${LETTERS}])`;
const untranslated = [
  [`JSXText[value=${LETTERS}]`, 'JSX text'],
  [`JSXAttribute[name.name=${SHOWN_ATTR}] > Literal[value=${LETTERS}]`, 'a shown attribute'],
  [
    `JSXAttribute[name.name=${SHOWN_ATTR}] > JSXExpressionContainer > :matches(Literal[value=${LETTERS}], ${TEMPLATE})`,
    'a shown attribute'
  ],
  [
    `CallExpression[callee.object.name='Notification'] > :matches(Literal[value=${LETTERS}], ${TEMPLATE})`,
    'a notification'
  ],
  [
    `Property[key.name=${SHOWN_KEY}] > :matches(Literal[value=${LETTERS}], ${TEMPLATE})`,
    'a dialog, command or toolbar option'
  ],
  [
    `:matches(JSXElement, JSXFragment) > JSXExpressionContainer > :matches(Literal[value=${LETTERS}], ${TEMPLATE})`,
    'JSX text'
  ]
].map(([selector, where]) => ({
  selector,
  message: `Untranslated text in ${where}: use trans.__() or trans._n() (domain jupyter_envpanel).`
}));

export default tseslint.config(
  { ignores: ['lib/**', 'node_modules/**', '../jupyter_envpanel/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.{ts,tsx}', 'test/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-namespace': 'off',
      curly: ['error', 'all'],
      eqeqeq: 'error',
      'prefer-arrow-callback': 'error'
    }
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: { 'no-restricted-syntax': ['error', ...untranslated] }
  }
);
